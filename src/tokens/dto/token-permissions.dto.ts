import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { ACCESS_LEVELS, Access } from '../../domain/token-permissions';

export const MAX_GRAPH_PATTERNS = 50;

/** A graph name (as the Graph API accepts it), or a prefix of one followed by `*`. */
export const GRAPH_PATTERN = /^(?:[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}|[A-Za-z0-9_][A-Za-z0-9_.:-]{0,98}\*)$/;

/** What a new token may do, narrower than (or as wide as) its FalkorDB user. */
export class TokenPermissionsDto {
  @ApiPropertyOptional({
    enum: ACCESS_LEVELS,
    enumName: 'TokenAccess',
    description: "`read`: only read queries (GRAPH.RO_QUERY), no graph deletion, and on the token API only list, get and revoking itself. Default: the user's reach (`read` for a Read-Only user).",
    example: 'read',
  })
  @IsOptional()
  @IsIn(ACCESS_LEVELS, { message: `permissions.access must be one of ${ACCESS_LEVELS.join(', ')}` })
  access?: Access;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    minItems: 1,
    maxItems: MAX_GRAPH_PATTERNS,
    description: 'Graphs the token reaches: names, or prefixes ending in `*`. Others look exactly like missing graphs (404). Absent or null: every graph of the user.',
    example: ['social', 'sales_*'],
  })
  @IsOptional()
  @IsArray({ message: 'permissions.graphs must be a list of graph names or prefixes ending in *' })
  @ArrayMinSize(1, { message: 'permissions.graphs must name at least one graph (null means every graph)' })
  @ArrayMaxSize(MAX_GRAPH_PATTERNS, { message: `permissions.graphs may name at most ${MAX_GRAPH_PATTERNS} graphs` })
  @IsString({ each: true, message: 'permissions.graphs entries must be strings' })
  @Matches(GRAPH_PATTERN, { each: true, message: 'permissions.graphs entries must be graph names (letters, digits, _ . : -) or prefixes ending in *' })
  graphs?: string[] | null;
}
