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
import { Action, ApiKeysService, CurrentPrincipal, Secured } from '@techsapo/security';
import { ApiKeyListDto, CreatedApiKeyDto } from './dto/api-key.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('admin')
@AuditType('admin')
@Controller('api/v1/admin/api-keys')
export class AdminApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Secured(Action.Create, 'ApiKey')
  @ApiOperation({ summary: 'Create an API key (the key is shown only in this response)' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    const { apiKey, key } = await this.apiKeys.create({ ...body, createdBy: actor.id });
    return { ...apiKey, key };
  }

  @Get()
  @Secured(Action.Read, 'ApiKey')
  @ApiOperation({ summary: 'List API keys (no key material)' })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(): Promise<ApiKeyListDto> {
    return { items: await this.apiKeys.list() };
  }

  @Delete(':id')
  @Secured(Action.Delete, 'ApiKey')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  async revoke(@IdParam() id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
