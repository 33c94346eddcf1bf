/*
 * Copyright (C) 2026 The gdoi-strongswan authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

#include "gdoi_gm_plugin.h"

#include <daemon.h>
#include <encoding/message_rules.h>
#include <gdoi_settings.h>

#include "gdoi_gm_groups.h"
#include "gdoi_gm_load.h"
#include "gdoi_gm_registrar.h"

#include <gikev2_rules.h>
#include <gikev2_types.h>
#include <gdoi_timing.h>

typedef struct private_gdoi_gm_plugin_t private_gdoi_gm_plugin_t;
typedef struct gm_options_t gm_options_t;

/**
 * Options of the group member
 */
struct gm_options_t {

	/** registration attempts per key server and pass */
	uint32_t ks_tries;

	/** wait after the first failed pass over the key servers */
	uint32_t backoff;

	/** cap of the doubling wait */
	uint32_t backoff_max;

	/** seconds before the sending TEK expires that traffic moves on */
	uint32_t tek_switch;
};

/**
 * Private data of a gdoi_gm_plugin_t object.
 */
struct private_gdoi_gm_plugin_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_plugin_t public;

	/**
	 * Options in effect
	 */
	gm_options_t options;

	/**
	 * Groups of the role, registered with the vici front-end
	 */
	gdoi_gm_groups_t *groups;

	/**
	 * Registrar of the groups
	 */
	gdoi_gm_registrar_t *registrar;

	/**
	 * Load mode for benchmarks, NULL if not enabled
	 */
	gdoi_gm_load_t *load;
};

/**
 * Read and check the plugin's options, keep the current ones on error
 */
static bool load_options(gm_options_t *current)
{
	gm_options_t new = {
		.ks_tries = 1,
		.backoff = GDOI_BACKOFF_BASE,
		.backoff_max = GDOI_BACKOFF_MAX,
		.tek_switch = GDOI_TEK_SWITCH_MARGIN,
	};
	gdoi_option_t options[] = {
		{ "ks_tries", GDOI_OPT_UINT, &new.ks_tries, 1, 100 },
		{ "backoff", GDOI_OPT_TIME, &new.backoff, 1, 86400 },
		{ "backoff_max", GDOI_OPT_TIME, &new.backoff_max, 1, 86400 },
		{ "tek_switch", GDOI_OPT_TIME, &new.tek_switch, 0, 3600 },
	};

	if (!gdoi_settings_load(lib->ns, "gdoi-gm", options, countof(options)))
	{
		return FALSE;
	}
	if (new.backoff_max < new.backoff)
	{
		DBG1(DBG_CFG, "gdoi-gm: backoff_max (%us) is below backoff (%us)",
			 new.backoff_max, new.backoff);
		return FALSE;
	}
	*current = new;
	DBG2(DBG_CFG, "gdoi-gm: %u registration attempt(s) per key server, "
		 "backoff %us up to %us, TEK switch-over %us before expiry",
		 new.ks_tries, new.backoff, new.backoff_max, new.tek_switch);
	return TRUE;
}

/**
 * charon accepts the IKE header of a plugin's exchange type only if message
 * rules are registered for it.  GSA_REKEY datagrams are claimed after the
 * header (receive_message()), so these rules never parse a body.
 */
static message_rule_t gsa_rekey_rules[] = {
	{(exchange_type_t)GIKEV2_GSA_REKEY, TRUE, TRUE, 0, NULL, 0, NULL},
	{(exchange_type_t)GIKEV2_GSA_REKEY, FALSE, TRUE, 0, NULL, 0, NULL},
};

/**
 * Claim GSA_REKEY datagrams that arrive on charon's IKE socket (unicast
 * rekeys, RFC 9838 2.4.1): they have no IKE_SA, their SPIs are a KEK's
 */
CALLBACK(receive_message, bool,
	private_gdoi_gm_plugin_t *this, message_t *message)
{
	if (message->get_major_version(message) != IKEV2_MAJOR_VERSION ||
		message->get_exchange_type(message) !=
								(exchange_type_t)GIKEV2_GSA_REKEY)
	{
		return FALSE;
	}
	this->groups->receive(this->groups, message->get_packet_data(message),
						  message->get_source(message),
						  message->get_destination(message));
	message->destroy(message);
	return TRUE;
}

/**
 * Register or unregister the group member
 */
static bool plugin_cb(private_gdoi_gm_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	bool ok;

	if (reg)
	{
		if (!load_options(&this->options))
		{
			return FALSE;
		}
		this->load = gdoi_gm_load_create(&ok);
		if (!ok)
		{
			return FALSE;
		}
		if (this->load)
		{
			charon->bus->add_listener(charon->bus, &this->load->listener);
		}
		this->registrar = gdoi_gm_registrar_create();
		this->groups = gdoi_gm_groups_create(this->registrar,
								this->options.ks_tries,
								this->options.backoff,
								this->options.backoff_max,
								this->options.tek_switch);
		gikev2_rules_register();
		message_register_rules(gsa_rekey_rules, countof(gsa_rekey_rules));
		charon->bus->add_listener(charon->bus, &this->registrar->listener);
		charon->receiver->add_message_cb(charon->receiver, receive_message,
										 this);
		gdoi_vici_register(GDOI_ROLE_MEMBER, &this->groups->handler);
		return TRUE;
	}
	gdoi_vici_unregister(GDOI_ROLE_MEMBER);
	if (this->groups)
	{
		charon->receiver->del_message_cb(charon->receiver, receive_message);
		message_unregister_rules(gsa_rekey_rules);
	}
	DESTROY_IF(this->groups);
	this->groups = NULL;
	if (this->registrar)
	{
		charon->bus->remove_listener(charon->bus, &this->registrar->listener);
		gikev2_rules_unregister();
		this->registrar->destroy(this->registrar);
		this->registrar = NULL;
	}
	if (this->load)
	{
		charon->bus->remove_listener(charon->bus, &this->load->listener);
		this->load->destroy(this->load);
		this->load = NULL;
	}
	return TRUE;
}

METHOD(plugin_t, get_name, char*,
	private_gdoi_gm_plugin_t *this)
{
	return "gdoi-gm";
}

METHOD(plugin_t, get_features, int,
	private_gdoi_gm_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "gdoi-gm"),
				PLUGIN_DEPENDS(CUSTOM, "vici"),
				PLUGIN_DEPENDS(CUSTOM, "kernel-ipsec"),
				PLUGIN_DEPENDS(CUSTOM, "libcharon-receiver"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_gdoi_gm_plugin_t *this)
{
	return load_options(&this->options);
}

METHOD(plugin_t, destroy, void,
	private_gdoi_gm_plugin_t *this)
{
	free(this);
}

/*
 * See header
 */
PLUGIN_DEFINE(gdoi_gm)
{
	private_gdoi_gm_plugin_t *this;

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.reload = _reload,
				.destroy = _destroy,
			},
		},
	);

	return &this->public.plugin;
}
