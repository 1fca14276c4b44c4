import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { COUNTRY, ROLES } from '../../identity/rights';
import { USER_ID } from '../../identity/user.state';
import { DecisionDto, NestedObject } from '../shared/common.dto';

/** Fields every account command may carry: the revision seen, and the decision assigning the duty, when there is one. */
export abstract class AccountCommandDto {
  @ApiPropertyOptional({ description: "revision of the user's stream the client saw (alternative to the If-Match header)" })
  @IsOptional()
  @IsInt()
  @Min(-1)
  expectedRevision?: number;

  @ApiPropertyOptional({ type: DecisionDto, description: 'the decision assigning the duty (quyết định phân công), when there is one' })
  @IsOptional()
  @NestedObject(() => DecisionDto)
  decision?: DecisionDto;
}

export class GrantDto {
  @ApiProperty({ enum: ROLES, example: 'accountant' })
  @IsString()
  @IsNotEmpty()
  role: string;

  @ApiProperty({ example: '184', description: `a unit code (that unit and everything under it), or ${COUNTRY} for the whole country` })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10)
  scope: string;
}

export class CreateUserDto extends AccountCommandDto {
  @ApiProperty({ example: 'ke-toan-hoa', description: 'what the user types to sign in: a-z, 0-9, . _ @ -, 2-64 characters' })
  @IsString()
  @Matches(USER_ID, { message: 'userId must be 2-64 characters: lower-case letters without diacritics, digits, . _ @ -, starting with a letter or digit' })
  userId: string;

  @ApiProperty({ example: 'Nguyễn Thị Hoa (kế toán, Phòng LĐ-TB&XH Văn Quan)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName: string;

  @ApiPropertyOptional({ type: [GrantDto], description: 'roles, each for a scope' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @NestedObject(() => GrantDto, { each: true })
  roles?: GrantDto[];
}

export class ChangeGrantDto extends AccountCommandDto {
  @ApiProperty({ enum: ROLES, example: 'accountant' })
  @IsString()
  @IsNotEmpty()
  role: string;

  @ApiProperty({ example: '184' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10)
  scope: string;

  @ApiPropertyOptional({ example: 'chuyển công tác' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class DisableUserDto extends AccountCommandDto {
  @ApiProperty({ example: 'nghỉ hưu từ 01/07/2025' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
}

export class UserOnlyDto extends AccountCommandDto {}

export class IssueApiTokenDto extends AccountCommandDto {
  @ApiProperty({ example: 'nhập nhật ký hằng đêm' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 90, description: 'days until it expires (1-730); default 365' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(730)
  expiresInDays?: number;
}
