import { liveReplicas } from './live-replicas';

describe('liveReplicas', () => {
  it('counts online replicas that acknowledged lately, from INFO replication', () => {
    const info = [
      '# Replication',
      'role:master',
      'connected_slaves:4',
      'slave0:ip=10.0.0.1,port=6379,state=online,offset=1200,lag=0',
      'slave1:ip=10.0.0.2,port=6379,state=online,offset=1100,lag=5',
      'slave2:ip=10.0.0.3,port=6379,state=online,offset=900,lag=7',
      'slave3:ip=10.0.0.4,port=6379,state=wait_bgsave,offset=0,lag=0',
      'master_repl_offset:1200',
    ].join('\r\n');
    expect(liveReplicas(info)).toBe(2);
  });

  it('finds none on a master without replicas, and on a replica', () => {
    expect(liveReplicas('# Replication\r\nrole:master\r\nconnected_slaves:0\r\n')).toBe(0);
    expect(liveReplicas('# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n')).toBe(0);
  });
});
