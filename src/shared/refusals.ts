// Why the worker API refused a call: one stable code per cause, with what it means. The page may switch
// on the code and shows the message; an invalid input also names the field to fix.

/** Every refusal code the worker API returns, with its meaning. */
export const REFUSAL_MEANINGS = {
  'invalid-input': 'The input cannot be used as given; `field` names what to fix when one field is at fault.',
  'not-owner': 'Another tab or window holds the queue; this one must take over first.',
  storage: 'The device has no room left for the run.',
  'unknown-job': 'No job has that id; it may have been deleted.',
  'illegal-move': 'The job is in a state that does not allow this.',
  'duplicate-run-path': 'A job with this run path is already in the queue.',
} as const;

export type RefusalCode = keyof typeof REFUSAL_MEANINGS;

export const isRefusalCode = (code: string): code is RefusalCode => Object.hasOwn(REFUSAL_MEANINGS, code);

/** What a validator says about an input it cannot take: which field, and what to do, in words. */
export interface FieldProblem<T> {
  field: keyof T & string;
  message: string;
}
