/**
 * A provider SDK's client, made when a wire client first calls and kept: a process that never
 * calls such a provider never loads its SDK.
 */
export function loadOnFirstCall<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
