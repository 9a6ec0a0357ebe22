"""What plugs into PeerPulse: survey webhooks in, chat digests out."""
