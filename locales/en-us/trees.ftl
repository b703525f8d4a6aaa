# Authored decision trees (content/trees/*.yaml).
hs-tree-title = Files don't sync
hs-q-what = What do you notice first?
hs-a-signin = The agent asks me to sign in, or waits for something
hs-a-offline = The agent shows Offline
hs-a-pending = Some files stay Pending
hs-a-full = I get a "storage is full" message
hs-q-signin = What does the agent say?
hs-a-signin-again = "Sign in again to keep syncing"
hs-a-approval = "Waiting for approval"
