import { ApiProperty, ApiPropertyOptional } from '@techsapo/core';

export class McpServerDto {
  @ApiProperty({ example: 'fs' }) name!: string;
  @ApiProperty({ enum: ['stdio', 'streamable-http'] }) transport!: 'stdio' | 'streamable-http';
  @ApiProperty({
    enum: ['connecting', 'connected', 'unresponsive', 'error', 'closed'],
    description: 'unresponsive: it did not answer a liveness ping and is being restarted.',
  })
  status!: string;
  @ApiProperty({ description: 'Tools the upstream offers.' }) toolCount!: number;
  @ApiProperty({ description: 'Tools the policy exposes.' }) allowedToolCount!: number;
  @ApiProperty({ description: 'How often the proxy restarted or re-initialised it.' })
  restarts!: number;
  @ApiPropertyOptional({ description: 'Why it is not connected.' }) lastError?: string;
}

export class McpServerListDto {
  @ApiProperty({ type: [McpServerDto] }) items!: McpServerDto[];
}
