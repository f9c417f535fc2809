"""What happened, recorded in the transaction of the change: the announcer's `post.published`
today, the webhook deliveries' source later."""
