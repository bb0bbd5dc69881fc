import { AuditType } from '@techsapo/audit';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  IdParam,
  type Principal,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@techsapo/core';
import { Action, Block, BlocksService, CurrentPrincipal, Secured } from '@techsapo/security';
import { BlockDto, BlockListDto } from './dto/block.dto';
import { CreateBlockDto } from './dto/create-block.dto';

@ApiTags('admin')
@AuditType('admin')
@Controller('api/v1/admin/blocks')
export class AdminBlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Get()
  @Secured(Action.Read, 'Block')
  @ApiOperation({ summary: 'List blocks in force' })
  @ApiOkResponse({ type: BlockListDto })
  async list(): Promise<BlockListDto> {
    return { items: await this.blocks.list() };
  }

  @Post()
  @Secured(Action.Create, 'Block')
  @ApiOperation({ summary: 'Block a client address, user or session for ttlSeconds (403)' })
  @ApiCreatedResponse({ type: BlockDto })
  async create(
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateBlockDto,
  ): Promise<BlockDto> {
    return (await this.blocks.create({ ...body, createdBy: actor.id })) as Block;
  }

  @Delete(':id')
  @Secured(Action.Delete, 'Block')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Lift a block' })
  @ApiNoContentResponse({ description: 'Lifted.' })
  async delete(@IdParam() id: string): Promise<void> {
    await this.blocks.delete(id);
  }
}
