package io.stemedb.membership.swim;

/** One message a {@link SwimNode} wants sent, and where to ({@code host:port} in a real cluster). */
public record Envelope(String address, SwimMessage message) {}
