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

#include "gdoi_ks_plugin.h"

#include <daemon.h>
#include <gdoi_settings.h>

#include "gdoi_ks_groups.h"
#include "gdoi_ks_registrar.h"
#include "gdoi_ks_sender.h"

/** default UDP port of the rekey socket, and of multicast rekeys */
#define GDOI_KS_REKEY_PORT 848

#include <gikev2_rules.h>

typedef struct private_gdoi_ks_plugin_t private_gdoi_ks_plugin_t;
typedef struct ks_options_t ks_options_t;

/**
 * Options of the key server
 */
struct ks_options_t {

	/** scheduled rekeys a member may miss before it is dropped */
	uint32_t missed_rekeys;

	/** accept lifetimes down to 10 s (read by the group parser) */
	bool test_lifetimes;

	/** UDP port of the rekey socket (restart to change) */
	uint32_t rekey_port;
};

/**
 * Private data of a gdoi_ks_plugin_t object.
 */
struct private_gdoi_ks_plugin_t {

	/**
	 * Public interface.
	 */
	gdoi_ks_plugin_t public;

	/**
	 * Options in effect
	 */
	ks_options_t options;

	/**
	 * What the groups share: rekey socket, options
	 */
	gdoi_ks_context_t ctx;

	/**
	 * Groups of the role, registered with the vici front-end
	 */
	gdoi_ks_groups_t *groups;

	/**
	 * Registrar of members
	 */
	gdoi_ks_registrar_t *registrar;
};

/**
 * Read and check the plugin's options, keep the current ones on error
 */
static bool load_options(ks_options_t *current)
{
	ks_options_t new = {
		.missed_rekeys = 3,
		.rekey_port = GDOI_KS_REKEY_PORT,
	};
	gdoi_option_t options[] = {
		{ "missed_rekeys", GDOI_OPT_UINT, &new.missed_rekeys, 1, 1000 },
		{ "test_lifetimes", GDOI_OPT_BOOL, &new.test_lifetimes, 0, 0 },
		{ "rekey_port", GDOI_OPT_UINT, &new.rekey_port, 1, 65535 },
	};

	if (!gdoi_settings_load(lib->ns, "gdoi-ks", options, countof(options)))
	{
		return FALSE;
	}
	*current = new;
	DBG2(DBG_CFG, "gdoi-ks: members are dropped after %u missed rekeys",
		 new.missed_rekeys);
	if (new.test_lifetimes)
	{
		DBG1(DBG_CFG, "gdoi-ks: group lifetimes down to 10s accepted "
			 "(test_lifetimes), not for production");
	}
	return TRUE;
}

CALLBACK(receive, void,
	private_gdoi_ks_plugin_t *this, chunk_t datagram, host_t *src)
{
	this->groups->receive(this->groups, datagram, src);
}

/**
 * Register or unregister the key server
 */
static bool plugin_cb(private_gdoi_ks_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	if (reg)
	{
		if (!load_options(&this->options))
		{
			return FALSE;
		}
		this->ctx = (gdoi_ks_context_t){
			.missed_rekeys = this->options.missed_rekeys,
			.member_port = IKEV2_UDP_PORT,
			.multicast_port = GDOI_KS_REKEY_PORT,
		};
		this->groups = gdoi_ks_groups_create(&this->ctx);
		this->ctx.sender = gdoi_ks_sender_create(this->options.rekey_port,
												 receive, this);
		if (!this->ctx.sender)
		{
			DBG1(DBG_CFG, "gdoi-ks: no rekey socket on UDP port %u, groups "
				 "get no rekeys", this->options.rekey_port);
		}
		this->registrar = gdoi_ks_registrar_create(this->groups);
		gikev2_rules_register();
		charon->bus->add_listener(charon->bus, &this->registrar->listener);
		gdoi_vici_register(GDOI_ROLE_SERVER, &this->groups->handler);
		return TRUE;
	}
	gdoi_vici_unregister(GDOI_ROLE_SERVER);
	/* no acknowledgements to dispatch after this (charon stops the jobs
	 * that send before plugins are unloaded) */
	DESTROY_IF(this->ctx.sender);
	this->ctx.sender = NULL;
	if (this->registrar)
	{
		charon->bus->remove_listener(charon->bus, &this->registrar->listener);
		gikev2_rules_unregister();
		this->registrar->destroy(this->registrar);
		this->registrar = NULL;
	}
	DESTROY_IF(this->groups);
	this->groups = NULL;
	return TRUE;
}

METHOD(plugin_t, get_name, char*,
	private_gdoi_ks_plugin_t *this)
{
	return "gdoi-ks";
}

METHOD(plugin_t, get_features, int,
	private_gdoi_ks_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "gdoi-ks"),
				PLUGIN_DEPENDS(CUSTOM, "vici"),
				PLUGIN_DEPENDS(RNG, RNG_STRONG),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_gdoi_ks_plugin_t *this)
{
	uint16_t port = this->options.rekey_port;

	if (!load_options(&this->options))
	{
		return FALSE;
	}
	this->ctx.missed_rekeys = this->options.missed_rekeys;
	if (port != this->options.rekey_port)
	{
		DBG1(DBG_CFG, "gdoi-ks: rekey_port %u takes effect with a restart, "
			 "the rekey socket stays on %u", this->options.rekey_port, port);
		this->options.rekey_port = port;
	}
	return TRUE;
}

METHOD(plugin_t, destroy, void,
	private_gdoi_ks_plugin_t *this)
{
	free(this);
}

/*
 * See header
 */
PLUGIN_DEFINE(gdoi_ks)
{
	private_gdoi_ks_plugin_t *this;

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
