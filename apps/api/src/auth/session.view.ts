import { ApiProperty } from '@nestjs/swagger';

export class LogoutView {
  @ApiProperty({ example: 'Logged out' }) detail!: string;
}
