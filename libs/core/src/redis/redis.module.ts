import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service';
import { replicaAcksProvider, ReplicatedWrites } from './replicated-writes';

/** Global: every store of every library talks to the one Redis connection set. */
@Global()
@Module({
  providers: [RedisService, ReplicatedWrites, replicaAcksProvider],
  exports: [RedisService, ReplicatedWrites],
})
export class RedisModule {}
