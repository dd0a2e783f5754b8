"""Updates in and replies out (DESIGN §9): the durable inbox, the workers, the outbox.

- `intake`: getUpdates (polling) or the webhook store each update in the inbox
  before Telegram is told it arrived.
- `workers`: this process's workers claim updates one chat at a time, in order,
  and run them through the application's handlers; concurrent across chats.
- `outbox`: replies are written in the transaction of what they confirm and sent
  right after; what could not be sent is sent later, never dropped.
- `heartbeat`: the process says it is alive, renews its leases, recovers what
  dead processes left, and splits the send budget by the processes alive.
"""
