import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IsOmittable } from '#http';
import { SERVER_NAME_PATTERN } from '#servers';
import { SEVERITIES, type Severity } from '../catalog.js';
import {
  CHANNEL_TYPES,
  isWebhookUrl,
  WEBHOOK_FORMATS,
  type ChannelType,
  type WebhookFormat,
} from '../channels/channel.js';

export const MAX_RECIPIENTS = 20;
export const MAX_CHANNEL_SECRET_LENGTH = 1024;

@ValidatorConstraint({ name: 'isWebhookUrl' })
class WebhookUrlConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isWebhookUrl(value);
  }

  defaultMessage(): string {
    return 'url must be an http:// or https:// URL with a host (at most 2048 characters)';
  }
}

/** Sent with a value: `null` and `""` (as answers show fields a type has not) mean "keep". */
const isGiven = (_dto: unknown, value: unknown): boolean =>
  value !== undefined && value !== null && value !== '';

export class CreateChannelDto {
  @ApiProperty({ example: 'oncall', pattern: SERVER_NAME_PATTERN.source })
  @IsString()
  @Matches(SERVER_NAME_PATTERN, {
    message:
      'name must be 1-63 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
  })
  name!: string;

  @ApiProperty({ enum: CHANNEL_TYPES, example: 'webhook' })
  @IsIn(CHANNEL_TYPES, { message: 'type must be webhook or email' })
  type!: ChannelType;

  @ApiPropertyOptional({
    example: 'https://alerts.example.com/pgmon',
    type: String,
    nullable: true,
    // What isWebhookUrl reads, roughly: an http(s) URL with a host; empty keeps the stored one.
    pattern: '^$|^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+',
    maxLength: 2048,
    description: 'webhook: where to POST. Sealed at rest; answers show only scheme, host and port',
  })
  @ValidateIf(isGiven)
  @Validate(WebhookUrlConstraint)
  url?: string | null;

  @ApiPropertyOptional({
    writeOnly: true,
    example: 'a-long-random-shared-secret',
    maxLength: MAX_CHANNEL_SECRET_LENGTH,
    nullable: true,
    type: String,
    description:
      'webhook: HMAC-SHA256 key; each POST then carries X-Pgmon-Signature: sha256=<hex>. Never returned; empty or omitted keeps it, null removes it',
  })
  @ValidateIf(isGiven)
  @IsString()
  @MaxLength(MAX_CHANNEL_SECRET_LENGTH)
  secret?: string | null;

  @ApiPropertyOptional({
    enum: WEBHOOK_FORMATS,
    nullable: true,
    type: String,
    default: 'pgmon',
    example: 'pgmon',
    description: 'webhook: pgmon’s JSON body, or a Slack-compatible {"text": ...}',
  })
  @ValidateIf(isGiven)
  @IsIn(WEBHOOK_FORMATS, { message: 'format must be pgmon or slack' })
  format?: WebhookFormat | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', format: 'email' },
    nullable: true,
    minItems: 1,
    maxItems: MAX_RECIPIENTS,
    example: null,
    description: `email: recipients (1-${MAX_RECIPIENTS}, e.g. ["oncall@example.com"]), sent through SMTP_URL`,
  })
  @ValidateIf(isGiven)
  @IsArray({ message: 'to must be a list of email addresses' })
  @ArrayMinSize(1, { message: 'to must name at least one address' })
  @ArrayMaxSize(MAX_RECIPIENTS, { message: `to may name at most ${MAX_RECIPIENTS} addresses` })
  @IsEmail({}, { each: true, message: 'each of to must be an email address' })
  to?: string[] | null;

  @ApiPropertyOptional({
    enum: SEVERITIES,
    default: 'warning',
    example: 'warning',
    description: 'Alerts below this severity are not sent here',
  })
  @IsOmittable()
  @IsIn(SEVERITIES, { message: 'min_severity must be warning or critical' })
  min_severity?: Severity;

  @ApiPropertyOptional({
    default: true,
    example: true,
    description: 'Also send when an alert resolves',
  })
  @IsOmittable()
  @IsBoolean({ message: 'send_resolved must be true or false' })
  send_resolved?: boolean;
}

/**
 * PUT: any of the fields but the name; omitted ones keep their value. The URL as answers show
 * it (`https://host/…`) or empty keeps the stored one; the type cannot change.
 */
export class UpdateChannelDto extends PartialType(OmitType(CreateChannelDto, ['name'] as const), {
  skipNullProperties: false,
}) {}

export class NotificationChannelView {
  @ApiProperty({ example: 'oncall' }) name!: string;
  @ApiProperty({ enum: CHANNEL_TYPES, example: 'webhook' }) type!: string;
  @ApiProperty({
    example: 'https://alerts.example.com/…',
    nullable: true,
    type: String,
    description:
      'webhook: scheme, host and port only (path and query may hold tokens); null for email',
  })
  url!: string | null;
  @ApiProperty({ enum: WEBHOOK_FORMATS, nullable: true, type: String, example: 'pgmon' })
  format!: string | null;
  @ApiProperty({
    type: [String],
    nullable: true,
    example: null,
    description: 'email: recipients; null for webhook',
  })
  to!: string[] | null;
  @ApiProperty({ enum: SEVERITIES, example: 'warning' }) min_severity!: string;
  @ApiProperty({ example: true }) send_resolved!: boolean;
  @ApiProperty({ example: true, description: 'A webhook secret is stored (it is never returned)' })
  has_secret!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

/** What a receiver answered to one attempt. */
export class DeliveryAttemptView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({
    example: 503,
    nullable: true,
    type: Number,
    description: 'HTTP status, or the SMTP reply code',
  })
  status!: number | null;
  @ApiProperty({
    example: 'Service Unavailable',
    nullable: true,
    type: String,
    description: 'The start of what the receiver answered',
  })
  response!: string | null;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Why the attempt failed (never a secret)',
  })
  error!: string | null;
  @ApiProperty({ example: 12 }) duration_ms!: number;
}

export class DeliveryView {
  @ApiProperty({ example: 42 }) id!: number;
  @ApiProperty({ example: 7, nullable: true, type: Number, description: 'null for a test message' })
  alert_id!: number | null;
  @ApiProperty({
    enum: ['firing', 'repeat', 'resolved', 'test'],
    example: 'firing',
    description: 'repeat: a REPEAT_INTERVAL reminder of a firing alert',
  })
  event!: string;
  @ApiProperty({
    enum: ['pending', 'sent', 'failed'],
    example: 'sent',
    description:
      'pending: being sent or waiting for its next attempt; failed: given up (a permanent refusal, or 24 hours of failures)',
  })
  state!: string;
  @ApiProperty({ example: 3 }) attempts!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When it was sent or given up',
  })
  finished_at!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the next attempt is due (pending only)',
  })
  next_attempt_at!: string | null;
  @ApiProperty({
    example: 'firing',
    description: 'The status the message carries (firing, resolved, test)',
  })
  status!: string;
  @ApiProperty({ example: 'pg1', nullable: true, type: String }) server!: string | null;
  @ApiProperty({ example: 'server_reachable', nullable: true, type: String }) check!: string | null;
  @ApiProperty({ type: [DeliveryAttemptView], description: 'Every attempt, oldest first' })
  log!: DeliveryAttemptView[];
}

/** What the receiver answered to a test message. */
export class ChannelTestView extends OmitType(DeliveryAttemptView, ['at'] as const) {
  @ApiProperty({
    example: true,
    description: 'The receiver accepted the message (2xx, or SMTP 250)',
  })
  ok!: boolean;
}
