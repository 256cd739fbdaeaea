import { Show } from 'solid-js';

export interface Message {
  kind: 'ok' | 'error';
  text: string;
}

/** A form's outcome: a status line when it worked, an alert when it was refused. */
export function FormMessage(props: { message: Message | null }) {
  return (
    <Show when={props.message}>
      {(m) => (
        <p class={m().kind === 'error' ? 'msg msg-error' : 'msg msg-ok'} role={m().kind === 'error' ? 'alert' : 'status'}>
          {m().text}
        </p>
      )}
    </Show>
  );
}
