import { useMutation, useQueryClient } from '@tanstack/react-query';

/** A change through the API; on success the listed queries are read again. */
export function useChange<A>(change: (args: A) => Promise<unknown>, refresh: string[][]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: () => Promise.all(refresh.map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}
