/** The lab's one error type: a one-line message saying what is missing and how to get it. */
export class LabError extends Error {
  override readonly name = 'LabError';
}
