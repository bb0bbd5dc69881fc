import type { ReportedRoutes } from '@techsapo/audit';

/** The routes of this application whose audit entries the security report reads. */
export const REPORTED_ROUTES: ReportedRoutes = {
  login: { method: 'POST', route: '/api/v1/auth/login' },
  createBlock: { method: 'POST', route: '/api/v1/admin/blocks' },
};
