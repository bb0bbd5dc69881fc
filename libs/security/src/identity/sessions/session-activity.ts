/** The finest step in which a session's activity is recorded. */
const ACTIVITY_RESOLUTION_MS = 1_000;

/**
 * Whether a session whose activity was last recorded at `recordedAt` records it again at `now`:
 * at most once a second (a tenth of its idle timeout when that is shorter), so a busy session
 * does not write on every request, and its idle expiry is renewed at most that much late. Login
 * sessions and MCP sessions both go by it.
 */
export function activityDue(recordedAt: number, now: number, idleMs: number): boolean {
  return now - recordedAt >= Math.min(ACTIVITY_RESOLUTION_MS, idleMs / 10);
}
