/** A labelled number input; `onInput` gets the number typed (NaN while the field is empty). */
export function NumberField(props: {
  label: string;
  name: string;
  min: number;
  max?: number;
  value: number;
  onInput: (value: number) => void;
}) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type="number"
        min={props.min}
        max={props.max}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.valueAsNumber)}
      />
    </label>
  );
}
