import { ApiProperty } from '@nestjs/swagger';
import { SSH_AUTH_TYPES } from '#servers';

/** The upstream web UI's answer to its test buttons. */
export class ConnectionTestView {
  @ApiProperty() success!: boolean;
  @ApiProperty({ example: 'PostgreSQL 15.4: 3 active / 5 idle connections (12 ms)' })
  message!: string;
}

export class SshTestView extends ConnectionTestView {
  @ApiProperty({ enum: SSH_AUTH_TYPES }) auth_type!: string;
}
