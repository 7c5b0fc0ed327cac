"""The mock layer: what the fake does. Plain Python, no Starlette.

`actions.Actions.act` is the entry: it finds an operation's `binding`, acts on one session of the
store (reached through `storage.SessionStore`; `store` is the in-memory backend, which applies
`server_fields` on every write), and answers with `record_answers` or `listing`, or says it does
not handle the request (`answers.NotHandled`), when `answers.Responder` answers from examples.
`resources` says which operation does what to which resource, `patching` applies updates, and
`effective`, `seeds` and `journal` are the effective contract, seed data and the request journal.
"""
