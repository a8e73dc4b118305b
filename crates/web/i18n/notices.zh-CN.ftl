# Notices to both sides of a claim, trust on listings, fraud signals (issue 6).
notice-claim-opened = 订单 { $order_no } 有新的申诉：{ $kind ->
        [quality_below_grade] 质量低于所购等级
        [short_weight] 短斤少两
        [wrong_item] 货不对板
        [damaged] 货物破损
       *[other] 未收到货
    }
notice-claim-answered = 卖方已答复订单 { $order_no } 的申诉
notice-claim-decided = 订单 { $order_no } 的申诉已裁决：{ $outcome ->
        [reject] 驳回
        [partial_refund] 部分退款 { $refund }
        [full_refund] 全额退款 { $refund }
       *[other] 换货
    }。复议期内双方均可申请复议
notice-claim-appealed = 订单 { $order_no } 的裁决已申请复议，等待重新裁决
notice-claim-final = 订单 { $order_no } 的申诉裁决已生效：{ $outcome ->
        [reject] 驳回
        [partial_refund] 部分退款 { $refund }
        [full_refund] 全额退款 { $refund }
       *[other] 换货
    }
notice-short-weight = 批次 { $lot_code } 在您保管的一段少了 { $loss }（允许 { $allowed }），已记为短重事件
notice-listing-held = { $seller } 的“{ $product }”暂未上架：诚信分 { $score } 低于本县门槛 { $threshold }，等待运营中心审核
grade-only-at-hub = 只有县级仓收货时才能复核等级
notices-title = 我的通知
notices-empty = 暂时没有通知
notices-unread = 未读
notices-read = 已读
notices-open = 查看
notices-mark-read = 标为已读
notices-count = 共 { $total } 条，未读 { $unread } 条
notices-newer = 较新
notices-older = 较早
done-notice-read = 已标为已读
