package org.ovirt.vdsm.messaging.jsonrpc;

/**
 * Bounds on what decoding one JSON-RPC body may build, on top of the byte limit of the frame that
 * carried it: a small body must not become a large tree (a 4 MiB batch of {@code 1,} members is two
 * million items). Each bound is checked while reading, before the value over it is built; a body
 * over a bound is answered with one {@code -32600} error naming the bound (a single response, not a
 * batch) and nothing of it runs.
 *
 * @param nestingLimit the deepest nesting of arrays and objects, the outermost counted (default
 *     {@value #DEFAULT_NESTING_LIMIT}); deeper is a {@code -32700} parse error
 * @param maxBatchMembers the most members a batch may have (default {@value
 *     #DEFAULT_MAX_BATCH_MEMBERS})
 * @param maxValues the most JSON values (objects, arrays, strings, numbers, booleans, nulls) one
 *     body may hold in all, at any depth (default {@value #DEFAULT_MAX_VALUES})
 */
public record JsonRpcLimits(int nestingLimit, int maxBatchMembers, int maxValues) {

  /** Default of {@link #nestingLimit()}. */
  public static final int DEFAULT_NESTING_LIMIT = 64;
  /** Default of {@link #maxBatchMembers()}. */
  public static final int DEFAULT_MAX_BATCH_MEMBERS = 4096;
  /** Default of {@link #maxValues()}. */
  public static final int DEFAULT_MAX_VALUES = 500_000;

  /** The documented defaults. */
  public static final JsonRpcLimits DEFAULTS =
      new JsonRpcLimits(DEFAULT_NESTING_LIMIT, DEFAULT_MAX_BATCH_MEMBERS, DEFAULT_MAX_VALUES);

  /**
   * Validates the bounds.
   *
   * @throws IllegalArgumentException when a bound is below 1
   */
  public JsonRpcLimits {
    if (nestingLimit < 1 || maxBatchMembers < 1 || maxValues < 1) {
      throw new IllegalArgumentException(
          "JSON-RPC limits must be >= 1: nesting " + nestingLimit + ", batch " + maxBatchMembers + ", values " + maxValues);
    }
  }

  /** These limits with another nesting limit. */
  public JsonRpcLimits withNestingLimit(int value) {
    return new JsonRpcLimits(value, maxBatchMembers, maxValues);
  }

  /** These limits with another batch bound. */
  public JsonRpcLimits withMaxBatchMembers(int value) {
    return new JsonRpcLimits(nestingLimit, value, maxValues);
  }

  /** These limits with another bound on values. */
  public JsonRpcLimits withMaxValues(int value) {
    return new JsonRpcLimits(nestingLimit, maxBatchMembers, value);
  }
}
