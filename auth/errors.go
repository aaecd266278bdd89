package auth

import "fmt"

// Error categories, as Magento puts them in extensions.category.
const (
	CategoryInput          = "graphql-input"
	CategoryAuthentication = "graphql-authentication"
	CategoryAuthorization  = "graphql-authorization"
	CategoryNoSuchEntity   = "graphql-no-such-entity"
)

// Error is the one error type whose message reaches a client; every other error
// is reported as "Internal server error" and logged.
type Error struct {
	Category string
	Message  string
	// Params are the REST "parameters" of Magento's error body, if any.
	Params map[string]any
}

func (e *Error) Error() string { return e.Message }

// Extensions lets graphql-go copy the category into the response.
func (e *Error) Extensions() map[string]any { return map[string]any{"category": e.Category} }

func inputError(format string, args ...any) *Error {
	return &Error{Category: CategoryInput, Message: fmt.Sprintf(format, args...)}
}

// Messages clients compare as strings; keep them exact (SPEC §4).
const (
	MsgSpecifyEmail         = `Specify the "email" value.`
	MsgSpecifyPassword      = `Specify the "password" value.`
	MsgSignInIncorrect      = `The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.`
	MsgNotConfirmed         = `This account isn't confirmed. Verify and try again.`
	MsgNotAuthorized        = `The current customer isn't authorized.`
	MsgAccountLocked        = `The account is locked.`
	MsgCustomerNotExistFmt  = `Customer with id "%d" does not exist.`
	MsgInvalidLogin         = `Invalid login or password.`
	MsgInvalidEmailFmt      = `"%s" is not a valid email address.`
	MsgFirstNameRequired    = `"First Name" is a required value.`
	MsgLastNameRequired     = `"Last Name" is a required value.`
	MsgEmailTakenFmt        = `A customer with the same email address (%s) already exists in an associated website.`
	MsgInputRequired        = `"input" value should be specified`
	MsgMissingFirstName     = `Required parameters are missing: First Name`
	MsgMissingLastName      = `Required parameters are missing: Last Name`
	MsgInvalidDate          = `Invalid date`
	MsgTokenUnreadable      = `Composite reader could not read a token`
	MsgTokenExpired         = `Consumer key has expired`
	MsgTokenRevoked         = `User token has been revoked`
	MsgPasswordTooShortFmt  = `The password needs at least %d characters. Create a new password and try again.`
	MsgPasswordClassesFmt   = `Minimum of different classes of characters in password is %d. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.`
	MsgPasswordSpaces       = `The password can't begin or end with a space. Verify the password and try again.`
	MsgInternal             = `Internal server error`
	MsgSpecifyCurrentPasswd = `Specify the "currentPassword" value.`
	MsgSpecifyNewPasswd     = `Specify the "newPassword" value.`
	MsgGenderInvalid        = `"%s" is not a valid gender value.`
	MsgFieldTooLongFmt      = `"%s" is too long.`
	MsgEmailMustBeSpecified = `Email must be specified`
	// MsgEmailHiddenCharFmt is shopauth's: Magento accepts invisible and direction-control characters.
	MsgEmailHiddenCharFmt = `"%s" is not a valid email address: it contains the invisible or text-direction character U+%04X.`
	MsgEmailIsInvalid     = `Email is invalid`
)

// Predefined errors returned by the service.
var (
	ErrSignInIncorrect = &Error{Category: CategoryAuthentication, Message: MsgSignInIncorrect}
	ErrNotConfirmed    = &Error{Category: CategoryAuthentication, Message: MsgNotConfirmed}
	ErrNotAuthorized   = &Error{Category: CategoryAuthorization, Message: MsgNotAuthorized}
	ErrAccountLocked   = &Error{Category: CategoryAuthentication, Message: MsgAccountLocked}
	ErrInvalidLogin    = &Error{Category: CategoryAuthentication, Message: MsgInvalidLogin}
	ErrTokenUnreadable = &Error{Category: CategoryAuthentication, Message: MsgTokenUnreadable}
	ErrTokenExpired    = &Error{Category: CategoryAuthentication, Message: MsgTokenExpired}
	ErrTokenRevoked    = &Error{Category: CategoryAuthentication, Message: MsgTokenRevoked}
)

// ErrCustomerNotExist is the error for a token whose customer was deleted.
func ErrCustomerNotExist(id int64) *Error {
	return &Error{Category: CategoryNoSuchEntity, Message: fmt.Sprintf(MsgCustomerNotExistFmt, id)}
}

// Messages of the admin side (SPEC §5, §6).
const (
	MsgSpecifyCustomerEmail  = `Specify the "customer email" value.`
	MsgSpecifyOTP            = `Specify the "otp" value.`
	MsgLoginAsCustomerOff    = `Login as Customer is disabled.`
	MsgCustomerEmailNotExist = `Customer email provided does not exist`
	MsgAssistanceDisabled    = `Allow remote shopping assistance is disabled for this customer.`
	MsgUse2FAEndpoints       = `Please use the 2fa provider-specific endpoints to obtain a token.`
	MsgConfigure2FA          = `You are required to configure personal Two-Factor Authorization in order to login. Please check your email.`
	MsgInvalidCode           = `Invalid code.`
	MsgProviderNotConfigured = `Provider is not configured.`
	MsgConsumerNotAuthorized = `The consumer isn't authorized to access %resources.`
	MsgReasonRequired        = `"reason" is required. Enter and try again.`
)

// Messages of admin users, one-time code reasons and the 2FA setup link (shopauth's own).
const (
	MsgReasonTooLong           = `"reason" is longer than 1000 characters.`
	MsgAdminUsernameInvalidFmt = `"%s" is not a valid user name.`
	MsgAdminExists             = `A user with the same user name or email already exists.`
	MsgAdminNotExistFmt        = `The admin user "%s" does not exist.`
	// MsgTFALinkInvalid is shown for a bad, expired or already used 2FA setup link.
	MsgTFALinkInvalid = `This two-factor setup link is invalid or has expired. Ask for a new one by requesting an admin token.`
)

// MsgCryptKeyShortFmt is config:set's answer to a short crypt/key (the length, the minimum).
const MsgCryptKeyShortFmt = `the last key, the one that signs tokens, has %d characters; want at least %d, as Magento generates`

// MsgCryptKeyStoredShortFmt is serve's refusal to start with a short stored crypt/key.
const MsgCryptKeyStoredShortFmt = `crypt/key is too short to sign tokens: %v. Anyone who finds it by trying keys against one token can make tokens for any account. ` +
	`Set a new key (every token and session issued so far stops working; a shop that shares the key with Magento sets the same one in app/etc/env.php): ` +
	`shopauth config:set crypt/key "$(head -c 24 /dev/urandom | base64)"`

// Messages of customer:import about the file as a whole (shopauth's own).
const (
	MsgImportEmpty        = `the file is empty: the first line must name the columns (at least email, firstname, lastname)`
	MsgImportBadHeaderFmt = `line 1 is not a valid CSV header: %s`
	MsgImportNoColumnFmt  = `the header has no %q column (it needs at least email, firstname, lastname)`
)

// Reasons customer:import gives for a row it skips (shopauth's own).
const (
	MsgImportExists       = `a customer with this email exists (use --on-existing=update to update it)`
	MsgImportDuplicateFmt = `the same email is on line %d of this file`
)

// Magento's REST framework messages (SPEC §5); %-placeholders are filled by clients
// from "parameters", as Magento sends them.
const (
	MsgNoRoute         = `Request does not match any route.`
	MsgBadContentType  = `Server cannot understand Content-Type HTTP header media type `
	MsgBodyTooLarge    = `Request body is too large.`
	MsgNotJSONObject   = `Decoding error: the request body is not a JSON object.`
	MsgInputExceptions = `One or more input exceptions have occurred.`
	MsgFieldRequired   = `"%fieldName" is required. Enter and try again.`
	MsgTypeInvalid     = `The "%value" value's type is invalid. The "%type" type was expected. Verify and try again.`
)

// Messages of the account lifecycle (SPEC §4).
const (
	MsgResetSpecifyEmail    = `You must specify an email address.`
	MsgResetInvalidEmail    = `The email address has an invalid format.`
	MsgCannotReset          = `Cannot reset the customer's password`
	MsgLockedNoDot          = `The account is locked`
	MsgSpecifyResetToken    = `resetPasswordToken must be specified`
	MsgSpecifyNewPassword   = `newPassword must be specified`
	MsgCannotSetPassword    = `Cannot set the customer's password`
	MsgConfirmEmailInvalid  = `Email is invalid`
	MsgAlreadyActive        = `The account is already active.`
	MsgConfirmKeyInvalid    = `The confirmation token is invalid. Verify the token and try again.`
	MsgResendEmailInvalid   = `Email address is not valid`
	MsgConfirmationNotNeed  = `Confirmation isn't needed.`
	MsgNoUserWithEmail      = `There is no user registered with that email address.`
	MsgTooManyResetRequests = `We received too many requests for password resets. Please wait and try again later.`
	// MsgTooManyConfirmations is shopauth's: Magento does not limit resendConfirmationEmail.
	MsgTooManyConfirmations = `We received too many requests for confirmation emails. Please wait and try again later.`
)

// Messages of the address book and the directory (Magento's CustomerGraphQl,
// Customer address validators and DirectoryGraphQl).
const (
	MsgInputMustBeSpecified     = `"input" value must be specified`
	MsgAddressIDMustBeSpecified = `Address "id" value must be specified`
	MsgAddressIDShouldBe        = `Address "id" value should be specified`
	MsgAddressUIDMustBe         = `Address "uid" value must be specified`
	MsgUIDIncorrectFmt          = `Value of uid "%s" is incorrect.`
	MsgAddressNotFoundFmt       = `Could not find a address with ID "%d"`
	MsgAddressNotFoundV2        = `Could not find an address with the specified ID`
	MsgAddressNotYoursFmt       = `Current customer does not have permission to address with ID "%d"`
	MsgAddressNotYoursV2        = `Current customer does not have permission to get address with the specified ID`
	MsgAddressDefaultBillingFmt = `Customer Address %d is set as default billing address and can not be deleted`
	MsgAddressDefaultShipFmt    = `Customer Address %d is set as default shipping address and can not be deleted`
	MsgAddressDefaultBillingV2  = `Customer Address with the specified ID is set as default billing address and can not be deleted`
	MsgAddressDefaultShipV2     = `Customer Address with the specified ID is set as default shipping address and can not be deleted`
	MsgRequiredParamsMissingFmt = `Required parameters are missing: %s`
	MsgFieldRequiredFmt         = `"%s" is required. Enter and try again.`
	MsgInvalidFieldValueFmt     = `Invalid value of "%s" provided for the %s field.`
	MsgStreetLinesFmt           = `"Street Address" cannot contain more than %d lines.`
	MsgPageSizePositive         = `pageSize value must be greater than 0.`
	MsgCurrentPagePositive      = `currentPage value must be greater than 0.`
	MsgCountryNotAvailable      = `Requested country is not available.`
	// MsgTooManyAddressesFmt is shopauth's: Magento sets no limit.
	MsgTooManyAddressesFmt = `A customer can have at most %d addresses.`
)

// Messages of attribute metadata and custom attribute values (Magento's EavGraphQl and
// Eav attribute data models; the option and boolean ones are shopauth's).
const (
	MsgFormNotFoundFmt          = `Form "%s" could not be found.`
	MsgEntityNotFoundFmt        = `Entity "%s" could not be found.`
	MsgAttributeNotFoundFmt     = `Attribute code "%s" could not be found.`
	MsgAttributeRequiredFmt     = `"%s" is a required value.`
	MsgAttributeBadOptionFmt    = `"%s" is not a valid option of "%s".`
	MsgAttributeBadBooleanFmt   = `"%s" must be 0 or 1.`
	MsgAttributeCodeInvalidFmt  = `"%s" is not a valid attribute code: use 1 to 60 lower-case letters, digits and underscores, starting with a letter.`
	MsgAttributeCodeTakenFmt    = `An attribute with the code "%s" already exists.`
	MsgAttributeInputInvalidFmt = `"%s" is not an input type an attribute can be added with: use text, select or boolean.`
)

// Messages of updateCustomerEmail (Magento's UpdateCustomerAccount and SaveCustomer).
const (
	MsgProvidePasswordForEmail = `Provide the current "password" to change "email".`
	MsgEmailExistsNoAddress    = `A customer with the same email address already exists in an associated website.`
	// CategoryAlreadyExists is GraphQlAlreadyExistsException's category.
	CategoryAlreadyExists = "graphql-already-exists"
)

// Messages of customer:import --addresses about the file as a whole (shopauth's own).
const (
	MsgAddressImportEmpty       = `the address file is empty: the first line must name the columns (at least _email)`
	MsgAddressImportNoColumnFmt = `the address file's header has no %q column`
)

// Messages of the newsletter and customer-group queries (NewsletterGraphQl, CustomerGraphQl).
const (
	MsgNewsletterEmailRequired = `You must specify an email address to subscribe to a newsletter.`
	MsgNewsletterInvalidEmail  = `Enter a valid email address.`
	MsgNewsletterCannotCreate  = `Cannot create a newsletter subscription.`
	MsgNewsletterNoGuests      = `Guests can not subscribe to the newsletter. You must create an account to subscribe.`
	MsgNewsletterAlreadyIn     = `This email address is already subscribed.`
	MsgCustomerGroupNotShared  = `Sharing customer group information is disabled or not configured.`
)

// Messages of the admin page's and commands' admin-user and customer management (shopauth's own).
const (
	MsgLastActiveAdmin   = `No admin could sign in any more: this is the last active, unlocked admin. Create or unlock another admin first.`
	MsgAdminLockDuration = `Choose how long the lock lasts.`
	MsgNoTOTPToReset     = `This admin has no two-factor authentication set up: there is nothing to reset.`
	MsgNothingChanged    = `Nothing changed: every value was already in force.`
	MsgNotPendingConfirm = `The account is already confirmed.`
)
