"""(method, route template) pairs for `fake.wait_for(*routes.X)` and `fake.calls_to(*routes.X)`."""

SEND_MESSAGE = ("POST", "/channels/{channel_id}/messages")
EDIT_MESSAGE = ("PATCH", "/channels/{channel_id}/messages/{message_id}")
DELETE_MESSAGE = ("DELETE", "/channels/{channel_id}/messages/{message_id}")
GET_MESSAGE = ("GET", "/channels/{channel_id}/messages/{message_id}")
HISTORY = ("GET", "/channels/{channel_id}/messages")
ADD_REACTION = ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
CREATE_DM = ("POST", "/users/@me/channels")
EDIT_MEMBER = ("PATCH", "/guilds/{guild_id}/members/{user_id}")  # timeouts
GET_MEMBER = ("GET", "/guilds/{guild_id}/members/{user_id}")
SYNC_GLOBAL = ("PUT", "/applications/{application_id}/commands")
SYNC_GUILD = ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
CALLBACK = ("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
FOLLOWUP = ("POST", "/webhooks/{application_id}/{interaction_token}")
EDIT_ORIGINAL = ("PATCH", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}")
DELETE_ORIGINAL = ("DELETE", "/webhooks/{application_id}/{interaction_token}/messages/{message_id}")
