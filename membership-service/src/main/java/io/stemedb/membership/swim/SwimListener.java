package io.stemedb.membership.swim;

/** Told about every change in what a {@link SwimNode} believes (metrics, logs, tests). */
@FunctionalInterface
public interface SwimListener {

    void changed(MemberView member, MemberStatus previous, long now);

    SwimListener NONE = (member, previous, now) -> {};
}
