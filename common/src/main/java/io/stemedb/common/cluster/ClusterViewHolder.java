package io.stemedb.common.cluster;

import java.util.List;

/**
 * Where services of one embedded node meet: the membership-service publishes its view here, the
 * api-service and the gateway read it. Empty until membership starts (or when it does not run).
 */
public final class ClusterViewHolder implements ClusterView {

    private volatile ClusterView delegate;
    private volatile ClusterControl control;

    public void publish(ClusterView view, ClusterControl control) {
        this.delegate = view;
        this.control = control;
    }

    /** Membership's controls, or null where membership does not run in this process. */
    public ClusterControl control() {
        return control;
    }


    @Override
    public List<ClusterMember> members() {
        ClusterView view = delegate;
        return view == null ? List.of() : view.members();
    }
}
