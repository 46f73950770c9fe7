package io.stemedb.common.model;

/**
 * Anything the log holds: an assertion, a retraction, a vote or an epoch. Every record has its
 * place in the log ({@code index}), the term of the primary that wrote it and a hybrid logical
 * timestamp.
 */
public sealed interface LogRecord permits Assertion, Retraction, Vote, Epoch {

    long index();

    long term();

    long hlc();

    /** The record's kind as the API names it: {@code assertion}, {@code retraction}, {@code vote}, {@code epoch}. */
    String type();
}
