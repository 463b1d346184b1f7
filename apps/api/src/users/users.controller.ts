import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiAuth,
  AuditActor,
  CreateUserDto,
  CurrentUser,
  MessageView,
  Roles,
  UpdateUserDto,
  UsersService,
  UserView,
  type AuthUser,
  type RequestActor,
} from '#auth';
import { ApiErrors } from '#http';

const ApiLogin = (): MethodDecorator =>
  ApiParam({ name: 'login', description: 'The login, in any case', example: 'alice' });
const LAST_ADMIN = 'Would leave no active admin';

@ApiTags('users')
@ApiAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The logged-in user' })
  @ApiOkResponse({ type: UserView })
  async me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return UserView.from(await this.users.get(user.login));
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'All users (admin)' })
  @ApiOkResponse({ type: [UserView] })
  async list(): Promise<UserView[]> {
    return (await this.users.list()).map((user) => UserView.from(user));
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors({ 409: 'The login is taken (in any case)', 422: 'Invalid fields' })
  async create(@Body() body: CreateUserDto, @AuditActor() actor: RequestActor): Promise<UserView> {
    const user = await this.users.create(
      {
        login: body.login,
        password: body.password,
        role: body.role ?? 'viewer',
        isActive: body.is_active ?? true,
        email: body.email ?? null,
      },
      actor,
    );
    return UserView.from(user);
  }

  @Get(':login')
  @Roles('admin')
  @ApiOperation({ summary: 'One user, found by its login in any case (admin)' })
  @ApiLogin()
  @ApiOkResponse({ type: UserView })
  @ApiErrors({ 404: 'No such user' })
  async get(@Param('login') login: string): Promise<UserView> {
    return UserView.from(await this.users.get(login));
  }

  @Put(':login')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a user’s password, role, active flag or e-mail (admin)' })
  @ApiLogin()
  @ApiOkResponse({ type: UserView })
  @ApiErrors({ 404: 'No such user', 409: LAST_ADMIN, 422: 'Invalid fields' })
  async update(
    @Param('login') login: string,
    @Body() body: UpdateUserDto,
    @AuditActor() actor: RequestActor,
  ): Promise<UserView> {
    const user = await this.users.update(
      login,
      {
        ...(body.password !== undefined && body.password !== '' && { password: body.password }),
        ...(body.role !== undefined && { role: body.role }),
        ...(body.is_active !== undefined && { isActive: body.is_active }),
        ...(body.email !== undefined && { email: body.email }),
      },
      actor,
    );
    return UserView.from(user);
  }

  @Delete(':login')
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a user (admin)' })
  @ApiLogin()
  @ApiOkResponse({ type: MessageView })
  @ApiErrors({ 404: 'No such user', 409: LAST_ADMIN })
  async remove(
    @Param('login') login: string,
    @AuditActor() actor: RequestActor,
  ): Promise<MessageView> {
    const deleted = await this.users.delete(login, actor);
    return { message: `User ${deleted.login} deleted` };
  }
}
