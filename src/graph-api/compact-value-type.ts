/**
 * Type tags of FalkorDB's `--compact` result format
 * (https://github.com/FalkorDB/FalkorDB/blob/master/src/resultset/formatters/resultset_formatter.h).
 */
export enum CompactValueType {
  Unknown = 0,
  Null = 1,
  String = 2,
  Integer = 3,
  Boolean = 4,
  Double = 5,
  Array = 6,
  Edge = 7,
  Node = 8,
  Path = 9,
  Map = 10,
  Point = 11,
  VectorF32 = 12,
  DateTime = 13,
  Date = 14,
  Time = 15,
  Duration = 16,
}
