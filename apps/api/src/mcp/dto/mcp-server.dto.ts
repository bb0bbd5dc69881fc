import { ApiProperty } from '@nestjs/swagger';

export class McpServerDto {
  @ApiProperty({ example: 'fs' }) name!: string;
  @ApiProperty({ enum: ['stdio', 'streamable-http'] }) transport!: 'stdio' | 'streamable-http';
  @ApiProperty({ enum: ['connecting', 'connected', 'error', 'closed'] }) status!: string;
  @ApiProperty({ description: 'Tools the upstream offers.' }) toolCount!: number;
  @ApiProperty({ description: 'Tools the policy exposes.' }) allowedToolCount!: number;
}

export class McpServerListDto {
  @ApiProperty({ type: [McpServerDto] }) items!: McpServerDto[];
}
