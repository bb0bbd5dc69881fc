import { AuditType } from '@techsapo/audit';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post } from '@nestjs/common';
import {
  IdParam,
  type Principal,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@techsapo/core';
import { Action, CurrentPrincipal, Secured, UserAdminService } from '@techsapo/security';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserDto, UserListDto } from './dto/user.dto';

@ApiTags('admin')
@AuditType('admin')
@Controller('api/v1/admin/users')
export class AdminUsersController {
  constructor(private readonly users: UserAdminService) {}

  @Post()
  @Secured(Action.Create, 'User')
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'The username is taken (problem+json).' })
  create(@Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(body);
  }

  @Get()
  @Secured(Action.Read, 'User')
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: UserListDto })
  async list(): Promise<UserListDto> {
    return { items: await this.users.list() };
  }

  @Patch(':id')
  @Secured(Action.Update, 'User')
  @ApiOperation({ summary: 'Change roles or disable; disabling ends the sessions' })
  @ApiOkResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'You cannot lock yourself out (problem+json).' })
  update(
    @CurrentPrincipal() actor: Principal,
    @IdParam() id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return this.users.update(actor, id, body);
  }

  @Delete(':id')
  @Secured(Action.Delete, 'User')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a user and end its sessions' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiConflictResponse({ description: 'You cannot delete yourself (problem+json).' })
  async delete(@CurrentPrincipal() actor: Principal, @IdParam() id: string): Promise<void> {
    await this.users.delete(actor, id);
  }

  @Delete(':id/sessions')
  @Secured(Action.Delete, 'Session')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "End all of a user's sessions" })
  @ApiNoContentResponse({ description: 'Ended.' })
  async endSessions(@IdParam() id: string): Promise<void> {
    await this.users.endSessions(id);
  }
}
