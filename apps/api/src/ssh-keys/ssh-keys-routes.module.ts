import { Module } from '@nestjs/common';
import { SshKeysModule } from '#ssh-keys';
import { SshKeysController } from './ssh-keys.controller.js';

/** /api/ssh-keys. */
@Module({ imports: [SshKeysModule], controllers: [SshKeysController] })
export class SshKeysRoutesModule {}
