# Uplink English message catalogue. Every user-facing string lives here.

app-name = Uplink
app-tagline = Two-way county e-commerce: goods down to villages, farm products up to cities

## Field errors (by code)
required = Required
too-long = Too long: at most { $max } characters, got { $actual }
length = Must be { $min } to { $max } characters long
control-characters = Must not contain control characters
bad-code = A code uses only capital letters, digits and "-"
bad-money = "{ $input }" is not an amount of money, e.g. 12.50
money-precision = Money is counted to the fen (0.01): "{ $input }"
bad-weight = "{ $input }" is not a weight, e.g. 12.5kg or 3斤
weight-precision = Weights are counted to the gram: "{ $input }"
must-be-positive = Must be more than zero
out-of-range = Out of range: must be between { $min } and { $max }
outside-county = The point lies outside the county (lat { $south }–{ $north }, lon { $west }–{ $east })
empty-area = Empty area: south must be below north and west below east
unknown-choice = Not a valid choice; choose one of: { $allowed }
bad-hours = "{ $input }" is not opening hours, e.g. 08:00-18:00
hours-close-before-open = Closing time must be after opening time
bad-time-zone = "{ $input }" is not a time zone, e.g. Asia/Shanghai
bad-phone = "{ $input }" is not a mobile number (11 digits)
bad-username = A user name uses only lower-case letters, digits and . _ -
unknown-reference = No such record in this county
immutable = Cannot be changed after creation
duplicate = Already taken; choose another
bad-json = The request is not valid JSON: { $detail }
wrong-type = Wrong type: { $detail }
unknown-field = Unknown field
bad-idempotency-key = An idempotency key is 1–128 printable ASCII characters
bad-id = Not a valid id

## Problem titles
problem-invalid = Some input is wrong; see the fields
problem-not-found = Not found
problem-forbidden = Your role may not do this
problem-unauthenticated = Please log in
problem-bad-credentials = Wrong user name or password
problem-rate-limited = Too many attempts; try again in { $minutes } minutes
problem-duplicate = That value exists already
problem-idempotency = This idempotency key was used for a different request
problem-csrf = The form has expired or came from elsewhere; reload the page and try again
problem-internal = Something went wrong on our side; it has been logged
problem-too-large = The request is too large
problem-unsupported-media = The request must be JSON (Content-Type: application/json)

## Pages
nav-home = Home
nav-api-docs = API docs
nav-logout = Log out
lang-switch = 中文
login-title = Log in
login-username = User name
login-password = Password
login-submit = Log in
login-failed = Wrong user name or password
home-title = My workspace
home-hello = Hello, { $name }
home-roles = Your roles by county:
home-admin = Platform administrator
home-no-roles = You have no role in any county yet.
docs-title = Uplink API documentation
docs-intro = Every endpoint is under /api/v1; the OpenAPI description is at
docs-auth = Authentication: POST /api/v1/auth/token for a token, then send Authorization: Bearer TOKEN.
role-operator = County operator
role-agent = Station agent
role-farmer = Farmer
role-coop = Co-op
role-supplier = Supplier
role-buyer = City buyer
role-driver = Driver
role-inspector = Inspector
role-auditor = Auditor
