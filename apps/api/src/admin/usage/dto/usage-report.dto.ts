import { ApiProperty } from '@techsapo/core';
import { OWNER_KINDS, OwnerKind } from '@techsapo/wall-bounce';
import { BilledCallsDto } from '../../../analyses/dto/analysis-usage.dto';

class UsageFiguresDto extends BilledCallsDto {
  @ApiProperty({ minimum: 0, description: 'Analyses whose first billed call fell on the day.' })
  analyses!: number;
}

export class OwnerDayUsageDto extends UsageFiguresDto {
  @ApiProperty({ description: 'UTC day, YYYY-MM-DD.', example: '2025-01-31' }) day!: string;
  @ApiProperty({ description: 'A user id or an API key id.' }) ownerId!: string;
  @ApiProperty({ enum: OWNER_KINDS }) ownerKind!: OwnerKind;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The username or API key name; null when it is gone.',
  })
  ownerName!: string | null;
}

export class UsageReportDto {
  @ApiProperty({ example: '2025-01-25' }) since!: string;
  @ApiProperty({ example: '2025-01-31' }) until!: string;
  @ApiProperty({ type: [OwnerDayUsageDto], description: 'By day, then owner.' })
  items!: OwnerDayUsageDto[];
  @ApiProperty({ type: UsageFiguresDto }) totals!: UsageFiguresDto;
}
