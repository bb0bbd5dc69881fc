import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service';
import { replicaAcksProvider, ReplicatedWrites } from './replicated-writes';

@Global()
@Module({
  providers: [RedisService, ReplicatedWrites, replicaAcksProvider],
  exports: [RedisService, ReplicatedWrites],
})
export class RedisModule {}
