import { ApiProperty } from '@techsapo/core';
import { BLOCK_KINDS, BlockKind } from '@techsapo/security';

export class BlockDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: BLOCK_KINDS }) kind!: BlockKind;
  @ApiProperty() value!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'The admin who set it, or "rate-limiter".' }) createdBy!: string;
}

export class BlockListDto {
  @ApiProperty({ type: [BlockDto] }) items!: BlockDto[];
}
