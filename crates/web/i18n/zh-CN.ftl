# Uplink 中文消息目录。每个面向用户的字符串都在这里。

app-name = 上行
app-tagline = 县域双向电商：工业品下乡，农产品进城

## 字段错误（field 错误码）
required = 必填
too-long = 太长：最多 { $max } 个字，现在 { $actual } 个
length = 长度应在 { $min } 到 { $max } 之间
control-characters = 不能含控制字符
bad-code = 编码只能用大写字母、数字和“-”
bad-money = “{ $input }”不是金额，例如 12.50
money-precision = 金额最多精确到分：“{ $input }”
bad-weight = “{ $input }”不是重量，例如 12.5kg 或 3斤
weight-precision = 重量最多精确到克：“{ $input }”
must-be-positive = 必须大于零
out-of-range = 超出范围：应在 { $min } 到 { $max } 之间
outside-county = 坐标不在本县范围内（纬度 { $south }–{ $north }，经度 { $west }–{ $east }）
empty-area = 范围为空：南边必须小于北边，西边必须小于东边
unknown-choice = 无效的选项，可选：{ $allowed }
bad-hours = “{ $input }”不是营业时间，例如 08:00-18:00
hours-close-before-open = 关门时间必须晚于开门时间
bad-time-zone = “{ $input }”不是时区，例如 Asia/Shanghai
bad-phone = “{ $input }”不是手机号（11 位）
bad-username = 用户名只能用小写字母、数字和 . _ -
unknown-reference = 本县没有这条记录
immutable = 创建后不能修改
duplicate = 已被使用，请换一个
bad-json = 请求不是有效的 JSON：{ $detail }
wrong-type = 类型不对：{ $detail }
unknown-field = 不认识的字段
bad-idempotency-key = 幂等键应为 1–128 个可见 ASCII 字符
bad-id = 不是有效的编号

## 问题标题（problem titles）
problem-invalid = 输入有误，请按提示修改
problem-not-found = 找不到该记录
problem-forbidden = 您的角色无权执行此操作
problem-unauthenticated = 请先登录
problem-bad-credentials = 用户名或密码错误
problem-rate-limited = 尝试次数过多，请 { $minutes } 分钟后再试
problem-duplicate = 该值已存在
problem-idempotency = 同一幂等键已用于另一个请求
problem-csrf = 表单已过期或来源不明，请刷新页面后重试
problem-internal = 服务器内部错误，请稍后再试；已记录
problem-too-large = 请求太大
problem-unsupported-media = 请求须为 JSON（Content-Type: application/json）

## 页面
nav-home = 首页
nav-api-docs = 接口文档
nav-logout = 退出
lang-switch = English
login-title = 登录
login-username = 用户名
login-password = 密码
login-submit = 登录
login-failed = 用户名或密码错误
home-title = 我的工作台
home-hello = 您好，{ $name }
home-roles = 您在以下县的角色：
home-admin = 平台管理员
home-no-roles = 您还没有任何县的角色。
docs-title = 上行 API 文档
docs-intro = 所有接口在 /api/v1 下；OpenAPI 描述见
docs-auth = 认证：POST /api/v1/auth/token 获取令牌，然后在请求头加 Authorization: Bearer 令牌。
role-operator = 县级运营中心
role-agent = 村级服务站站长
role-farmer = 农户
role-coop = 合作社
role-supplier = 供应商
role-buyer = 城市买家
role-driver = 司机
role-inspector = 质检员
role-auditor = 审计

## 订单（orders）
problem-invalid-transition = 订单当前为“{ $state }”，不能执行“{ $event }”
problem-conflict = 暂时无法完成，请看提示
out-of-stock = 库存不足
one-seller-per-order = 一张订单只能包含同一卖家、同一方向的商品
below-minimum-order = 少于起订量 { $min }
unknown-grade = 没有这个等级
no-grades = 工业品没有等级
downlink-to-station-only = 下行商品只能送到村级服务站
uplink-to-city-only = 农产品订单送到城市集配点或地址，不送服务站
too-many = 太多：最多 { $max } 项
pickup-codes-exhausted = 本站取件码已用尽，请稍后再试
order-changed = 订单刚被别人修改，请刷新后再试
no-parcel-with-code = 本站没有这个取件码的包裹
return-window-closed = 已过退货期限
bad-pickup-code = 取件码是 6 位数字
bad-date = “{ $input }”不是日期，例如 2026-08-03

## 账本（ledger）
insufficient-funds = { $account } 余额不足：可用 { $available }，需要 { $amount }
same-account = 转账必须在两个不同的账户之间
transfer-already-resolved = 这笔待定转账已经入账或作废
transfer-key-reused = 这个记账键已用于另一笔转账
bad-account = “{ $input }”不是账户，例如 county_bank 或 wallet:<人员编号>
statement-line-quote = 第 { $line } 行：引号没有闭合
statement-line-columns = 第 { $line } 行：应有 4 列（日期,金额,附言,付款人），实有 { $found } 列
statement-line-date = 第 { $line } 行：“{ $input }”不是日期，例如 2026-08-03
statement-line-amount = 第 { $line } 行：“{ $input }”不是以元计的金额，例如 1,250.50
statement-line-reference = 第 { $line } 行：附言为空或超过 { $max } 个字符

## 商品目录（catalog）
unit-weight-mismatch = 这个单位本身就是重量：每单位 { $expected } 克
bad-gtin = “{ $input }”不是商品条码（8、12、13 或 14 位数字）
gtin-check-digit = 条码最后一位校验码不对（应为 { $expected }），请检查是否输错
grades-required = 农产品至少要有一个等级
grades-not-allowed = 工业品没有等级
no-base-grade = 必须有一个基准等级，系数为 10000（即挂牌价）
bad-grade-code = 等级代码只能用小写字母、数字、_ 和 -
direction-not-allowed = 您的角色不能发布这个方向的商品
not-for-direction = 这个方向的商品不适用此项
seller-role-mismatch = 此人（{ $role }）不能销售这个方向的商品
seller-not-allowed = 只能为自己挂牌（站长可为本县农户和合作社挂牌）
