# Notices to both sides of a claim, trust on listings, fraud signals (issue 6).
notice-claim-opened = New claim on order { $order_no }: { $kind ->
        [quality_below_grade] quality below the grade bought
        [short_weight] short weight
        [wrong_item] wrong item
        [damaged] damaged goods
       *[other] not received
    }
notice-claim-answered = The seller answered the claim on order { $order_no }
notice-claim-decided = The claim on order { $order_no } was decided: { $outcome ->
        [reject] rejected
        [partial_refund] partial refund of { $refund }
        [full_refund] full refund of { $refund }
       *[other] replacement
    }. Either side may appeal within the appeal window
notice-claim-appealed = The decision on order { $order_no } was appealed and waits for a new decision
notice-claim-final = The decision on the claim on order { $order_no } is final: { $outcome ->
        [reject] rejected
        [partial_refund] partial refund of { $refund }
        [full_refund] full refund of { $refund }
       *[other] replacement
    }
notice-short-weight = Lot { $lot_code } lost { $loss } while you held it ({ $allowed } allowed); a short-weight incident was recorded
notice-listing-held = { $seller }'s "{ $product }" is not listed yet: trust score { $score } is below the county's threshold of { $threshold }; it waits for the operator's review
grade-only-at-hub = Only the county hub grades a lot again when it takes it
notices-title = My notices
notices-empty = No notices yet
notices-unread = Unread
notices-read = Read
notices-open = Open
notices-mark-read = Mark as read
notices-count = { $total } in all, { $unread } unread
notices-newer = Newer
notices-older = Older
done-notice-read = Marked as read
