package auth

import "strings"

// shopauth serves one store view, in one store group of one website, with the codes,
// names and ids a new Magento install gives them, so a storefront configured for a
// Magento shop's default store finds the same names here.
const (
	StoreID        = 1
	StoreCode      = "default"
	StoreGroupCode = "main_website_store"
	StoreGroupName = "Main Website Store"
	WebsiteID      = 1
	WebsiteCode    = "base"
	WebsiteName    = "Main Website"
)

// MsgStoreNotFound answers a GraphQL request whose Store header names no store view
// (Magento's StoreGraphQl StoreValidator).
const MsgStoreNotFound = "Requested store is not found"

// KnownStoreHeader reports whether a GraphQL Store header value is acceptable, as
// Magento's StoreValidator decides: empty (no header), a store view's code, or
// "default" in any case; spaces around the value are ignored.
func KnownStoreHeader(v string) bool {
	v = strings.TrimSpace(v)
	return v == "" || v == StoreCode || strings.EqualFold(v, "default")
}
