package io.stemedb.common.cluster;

import java.util.List;

/**
 * Where services of one embedded node meet: the membership-service publishes its view here, the
 * api-service and the gateway read it. Empty until membership starts (or when it does not run).
 */
public final class ClusterViewHolder implements ClusterView {

    private volatile ClusterView delegate;

    public void publish(ClusterView view) {
        this.delegate = view;
    }

    public boolean available() {
        return delegate != null;
    }

    @Override
    public List<ClusterMember> members() {
        ClusterView view = delegate;
        return view == null ? List.of() : view.members();
    }
}
