import { QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { api, ProblemError, setCsrfToken } from './api';
import type { ConsoleSession, Role } from './types';

export const SESSION_PATH = '/api/v1/auth/console/session';

/** The signed-in session, or null: the cookie is httpOnly, so the API says who we are. */
export function useConsoleSession() {
  return useQuery<ConsoleSession | null>({
    queryKey: ['console-session'],
    queryFn: async () => {
      try {
        const session = await api<ConsoleSession>(SESSION_PATH);
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ProblemError && [401, 403].includes(error.status)) return null;
        throw error;
      }
    },
    staleTime: Infinity,
    retry: false,
  });
}

export const SessionContext = createContext<ConsoleSession | null>(null);

export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function hasRole(session: ConsoleSession, ...roles: Role[]): boolean {
  return session.roles.some((role) => roles.includes(role));
}

/** What one user read is not shown to the next one who signs in on this page. */
function forgetOtherQueries(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'console-session' });
}

export function useSignIn() {
  const client = useQueryClient();
  return async (username: string, password: string): Promise<void> => {
    const session = await api<ConsoleSession>(SESSION_PATH, {
      method: 'POST',
      body: { username, password },
    });
    setCsrfToken(session.csrfToken);
    forgetOtherQueries(client);
    client.setQueryData(['console-session'], session);
  };
}

export function useSignOut() {
  const client = useQueryClient();
  return async (): Promise<void> => {
    await api(SESSION_PATH, { method: 'DELETE' }).catch(() => undefined);
    setCsrfToken('');
    forgetOtherQueries(client);
    client.setQueryData(['console-session'], null);
  };
}
