import { Module } from '@nestjs/common';
import { AuthModule } from '#auth';
import { HttpPipelineModule } from '#http';
import { FastLane } from './fast-lane.js';

/** The lane in front of Express; the routes modules whose answers are in memory register here. */
@Module({
  imports: [AuthModule, HttpPipelineModule],
  providers: [FastLane],
  exports: [FastLane],
})
export class FastLaneModule {}
