import { useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactElement } from 'react';
import { ProblemError } from './api';
import { ProblemNote } from './components/problem';
import { AnalysesPage } from './pages/analyses';
import { AnalysisPage } from './pages/analysis';
import { ApiKeysPage } from './pages/api-keys';
import { AuditPage } from './pages/audit';
import { BlocksPage } from './pages/blocks';
import { McpPage } from './pages/mcp';
import { OverviewPage } from './pages/overview';
import { SecurityReportPage } from './pages/security-report';
import { SessionsPage } from './pages/sessions';
import { SignInPage } from './pages/sign-in';
import { UsersPage } from './pages/users';
import { navigate, useRoute } from './router';
import { hasRole, SessionContext, useConsoleSession, useSignOut } from './session';
import type { ConsoleSession, Role } from './types';

interface Page {
  path: string;
  title: string;
  roles: Role[];
  render: (rest: string[]) => ReactElement;
}

const ALL: Role[] = ['admin', 'analyst', 'ci', 'viewer'];
const ADMIN: Role[] = ['admin'];

/** Every page, in the order of the menu; `roles` are those the API lets read what it shows. */
const PAGES: Page[] = [
  { path: 'overview', title: 'Overview', roles: ADMIN, render: () => <OverviewPage /> },
  {
    path: 'analyses',
    title: 'Analyses',
    roles: ALL,
    render: ([id]) => (id ? <AnalysisPage id={id} /> : <AnalysesPage />),
  },
  { path: 'sessions', title: 'Sessions', roles: ADMIN, render: () => <SessionsPage /> },
  { path: 'blocks', title: 'Blocks', roles: ADMIN, render: () => <BlocksPage /> },
  { path: 'users', title: 'Users', roles: ADMIN, render: () => <UsersPage /> },
  { path: 'api-keys', title: 'API keys', roles: ADMIN, render: () => <ApiKeysPage /> },
  { path: 'audit', title: 'Audit', roles: ADMIN, render: () => <AuditPage /> },
  {
    path: 'security-report',
    title: 'Security report',
    roles: ADMIN,
    render: () => <SecurityReportPage />,
  },
  { path: 'mcp', title: 'MCP', roles: ['admin', 'analyst', 'viewer'], render: () => <McpPage /> },
];

export function App() {
  const session = useConsoleSession();
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.error) return <ProblemNote error={session.error} />;
  if (!session.data) return <SignInPage />;
  return (
    <SessionContext.Provider value={session.data}>
      <SignedIn session={session.data} />
    </SessionContext.Provider>
  );
}

function SignedIn({ session }: { session: ConsoleSession }) {
  const [path = '', ...rest] = useRoute();
  const signOut = useSignOut();
  const client = useQueryClient();
  const pages = PAGES.filter((page) => hasRole(session, ...page.roles));
  const page = PAGES.find((p) => p.path === path);

  // A session ended elsewhere (an admin, a block): back to the sign-in page.
  useEffect(() => {
    const ended = (error: unknown) => {
      if (error instanceof ProblemError && error.status === 401)
        client.setQueryData(['console-session'], null);
    };
    const queries = client.getQueryCache().subscribe((event) => ended(event.query.state.error));
    const changes = client
      .getMutationCache()
      .subscribe((event) => ended(event.mutation?.state.error));
    return () => {
      queries();
      changes();
    };
  }, [client]);
  useEffect(() => {
    if (!page && pages[0]) navigate(pages[0].path);
  }, [page, pages]);
  useEffect(() => {
    document.title = `${page?.title ?? 'Console'} · TechSapo`;
  }, [page]);

  return (
    <>
      <a className="skip" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header className="top">
        <span className="brand">TechSapo</span>
        <nav aria-label="Console">
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <a href={`#/${p.path}`} aria-current={p.path === path ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          <span data-testid="who">{session.username}</span> ({session.roles.join(', ')})
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {!page ? null : hasRole(session, ...page.roles) ? (
          page.render(rest)
        ) : (
          <section>
            <h1>{page.title}</h1>
            <p role="alert" className="problem" data-testid="not-allowed">
              Your role ({session.roles.join(', ')}) may not open this page.
            </p>
          </section>
        )}
      </main>
    </>
  );
}

function skipToMain(event: { preventDefault(): void }) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
