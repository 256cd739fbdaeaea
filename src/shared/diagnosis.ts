// What stands between the app and the NAS, as the connection test reports it: one stable code per
// finding, with its meaning. The settings page shows the code (data-code) next to the message.

/** Every diagnosis code the connection test returns, with its meaning. */
export const DIAGNOSIS_MEANINGS = {
  ok: 'The NAS folder can be read and written.',
  unreachable: 'No answer from the NAS (network, address or port).',
  'unreachable-or-tls': 'No answer over https: the NAS is unreachable or its certificate is not trusted.',
  cors: 'The NAS answers but the browser refuses its answers (CORS).',
  'blocked-by-policy': "The app's own Content-Security-Policy does not let it connect to the NAS's origin.",
  redirect: 'The NAS URL redirects elsewhere; nothing is sent on to the target.',
  auth: 'The NAS refused the user or password.',
  'not-found': 'There is no WebDAV folder at the NAS URL.',
  'not-writable': 'The NAS folder can be read but not written.',
  timeout: 'The NAS stopped answering.',
  error: 'The NAS answered with some other error.',
} as const;

export type DiagnosisCode = keyof typeof DIAGNOSIS_MEANINGS;
