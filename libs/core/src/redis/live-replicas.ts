/**
 * A replica that has not acknowledged the replication stream for longer than this is not
 * counted: replicas acknowledge every second, and one on a lost machine (no TCP reset) would
 * otherwise stay "connected" until the master's repl-timeout (60 s). About the cluster's node
 * timeout, after which the cluster itself considers such a node failed.
 */
export const MAX_REPLICA_LAG_SECONDS = 5;

/**
 * The replicas of a master that are online and acknowledged within MAX_REPLICA_LAG_SECONDS,
 * from its `INFO replication` (lines `slave0:ip=…,port=…,state=online,offset=…,lag=0`).
 */
export function liveReplicas(info: string): number {
  return info
    .split(/\r?\n/)
    .filter((line) => /^slave\d+:/.test(line))
    .filter((line) => {
      const lag = /(?:^|[:,])lag=(\d+)/.exec(line)?.[1];
      return (
        /[:,]state=online(?:,|$)/.test(line) &&
        lag !== undefined &&
        Number(lag) <= MAX_REPLICA_LAG_SECONDS
      );
    }).length;
}
