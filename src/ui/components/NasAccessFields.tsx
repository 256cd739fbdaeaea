import { Show } from 'solid-js';
import type { PageSettings, PasswordState } from '../../worker/contract';
import { isUnencrypted } from '../../shared/nasUrl';

const PASSWORD_WORDS: Record<PasswordState, string> = {
  set: 'A password is set. Type a new one to replace it.',
  'not-set': 'No password is set.',
  unreadable: 'A password is stored but this browser can no longer read it (its key is gone). Type it again.',
};

/**
 * Where the NAS is and who the app is to it. The password is never shown: the worker only says whether
 * one is set (the field's placeholder says "Saved" then), and the field holds only a new one being
 * typed; an empty field on Save keeps the saved password. An http:// URL to another machine is
 * said to be unencrypted as it is typed.
 */
export function NasAccessFields(props: {
  settings: PageSettings;
  newPassword: string;
  onNasUrl: (value: string) => void;
  onUsername: (value: string) => void;
  onPassword: (value: string) => void;
}) {
  const unencrypted = () => isUnencrypted(props.settings.nasUrl);
  return (
    <>
      <label>
        <span id="nas-url-label">NAS URL (WebDAV folder)</span>
        <input
          name="nasUrl"
          value={props.settings.nasUrl}
          aria-labelledby="nas-url-label"
          aria-describedby={unencrypted() ? 'nas-url-warning' : undefined}
          onInput={(e) => props.onNasUrl(e.currentTarget.value)}
        />
        <Show when={unencrypted()}>
          <span id="nas-url-warning" class="hint msg-error" data-testid="unencrypted-warning">
            Not encrypted: with http:// the password and the runs cross the network readable by anyone on it. Use https:// if the NAS offers
            it.
          </span>
        </Show>
      </label>
      <label>
        NAS user
        <input
          name="username"
          value={props.settings.username}
          autocomplete="username"
          onInput={(e) => props.onUsername(e.currentTarget.value)}
        />
      </label>
      <label>
        <span id="password-label">NAS password</span>
        <input
          name="password"
          type="password"
          value={props.newPassword}
          placeholder={props.settings.passwordState === 'set' ? 'Saved — type to change' : undefined}
          autocomplete="new-password"
          aria-labelledby="password-label"
          aria-describedby="password-state"
          onInput={(e) => props.onPassword(e.currentTarget.value)}
        />
        <span id="password-state" class="hint" data-testid="password-state" data-state={props.settings.passwordState}>
          {PASSWORD_WORDS[props.settings.passwordState]}
        </span>
      </label>
    </>
  );
}
