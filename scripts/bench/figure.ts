/** One line of the queue table: a value, maybe a reference measured in the same run, maybe a goal. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number };
  /** The goal for this figure (issues #6 and #14): on the value, or on the ratio to the reference. */
  target?: { text: string; met: (value: number, ratio: number) => boolean };
}

export const atLeast = (n: number, text: string) => ({ text, met: (v: number) => v >= n });
export const below = (n: number, text: string) => ({ text, met: (v: number) => v < n });
