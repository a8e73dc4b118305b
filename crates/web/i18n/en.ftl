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

## Orders
problem-invalid-transition = The order is "{ $state }"; it cannot "{ $event }"
problem-conflict = This cannot be done right now; see the fields
out-of-stock = Not enough in stock
one-seller-per-order = One order holds goods of one seller going one way
below-minimum-order = Below the minimum order of { $min }
unknown-grade = No such grade
no-grades = Goods going down have no grades
downlink-to-station-only = Goods going down are delivered to a village station only
uplink-to-city-only = Farm products go to a city drop point or an address, not a station
too-many = Too many: at most { $max }
pickup-codes-exhausted = This station has run out of pickup codes; try again shortly
order-changed = Someone changed the order just now; reload and try again
no-parcel-with-code = No parcel with this pickup code at this station
return-window-closed = The return window has closed
bad-pickup-code = A pickup code is 6 digits
bad-date = "{ $input }" is not a date, e.g. 2026-08-03

## Ledger
insufficient-funds = Not enough money in { $account }: { $available } available, { $amount } needed
same-account = Money must move between two different accounts
transfer-already-resolved = This pending transfer was already posted or voided
transfer-key-reused = This posting key was already used for a different transfer
bad-account = "{ $input }" is not an account, e.g. county_bank or wallet:<person id>
statement-line-quote = Line { $line }: a quote is not closed
statement-line-columns = Line { $line }: expected 4 columns (date,amount,reference,payer), found { $found }
statement-line-date = Line { $line }: "{ $input }" is not a date, e.g. 2026-08-03
statement-line-amount = Line { $line }: "{ $input }" is not an amount in yuan, e.g. 1,250.50
statement-line-reference = Line { $line }: the reference is empty or longer than { $max } characters

## Catalog
unit-weight-mismatch = This unit is a weight: one unit is { $expected } g
bad-gtin = "{ $input }" is not a barcode number (8, 12, 13 or 14 digits)
gtin-check-digit = The barcode's last digit is wrong (expected { $expected }); check it for a typing error
grades-required = A farm product needs at least one grade
grades-not-allowed = Goods going down have no grades
no-base-grade = One grade must be the base grade, at factor 10000 (the listing price)
bad-grade-code = A grade code uses only lower-case letters, digits, _ and -
direction-not-allowed = Your role may not offer goods going this way
not-for-direction = Does not apply to goods going this way
seller-role-mismatch = This person ({ $role }) cannot sell goods going this way
seller-not-allowed = You may list only for yourself (agents: for farmers and co-ops of the county)
