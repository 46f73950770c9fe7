package io.stemedb.api.query;

import io.stemedb.api.query.lens.Lens;

/**
 * A validated query.
 *
 * @param conceptPath the concept, or the root of the subtree
 * @param subtree     true when the client asked for {@code conceptPath/**}
 * @param predicate   the predicate, or null for all
 * @param lens        how to resolve the assertions
 */
public record QueryRequest(String conceptPath, boolean subtree, String predicate, Lens lens) {}
